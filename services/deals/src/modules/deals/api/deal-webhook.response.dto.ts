import { ApiProperty } from '@nestjs/swagger';

/** The webhook's reply to a deal it accepted or holds (202 the first time, 200 with the same body after). */
export class DealWebhookReply {
  @ApiProperty()
  dealId!: string;

  @ApiProperty({ enum: ['accepted', 'held'] })
  status!: 'accepted' | 'held';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The contract the deal creates or changes; null while held',
  })
  contractId!: string | null;
}
