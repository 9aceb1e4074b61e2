import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIdentifier, OptionalProperty, PresentExactlyWhen } from '@o2c/contracts';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn } from 'class-validator';

/** Body of `POST /v1/deals/replay`: either deal ids, or a status whose every deal is replayed. */
export class ReplayDealsRequest {
  @ApiPropertyOptional({ type: [String], maxItems: 100, description: 'CRM deal ids; not with `status`' })
  @PresentExactlyWhen((o) => o['status'] === undefined, 'status is absent')
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsIdentifier({ each: true })
  ids?: string[];

  @ApiPropertyOptional({
    enum: ['rejected', 'held'],
    description: 'Replay every deal with this status; not with `ids`',
  })
  @OptionalProperty()
  @IsIn(['rejected', 'held'])
  status?: 'rejected' | 'held';
}
