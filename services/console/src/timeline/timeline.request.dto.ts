import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TimelineRequestDto {
  @ApiProperty({
    description:
      "A deal id (the CRM's), a contract id, an account id, or an invoice or credit-note number (INV-2026-000001)",
    example: 'INV-2026-000001',
  })
  @IsString()
  @Length(1, 200)
  id!: string;
}
