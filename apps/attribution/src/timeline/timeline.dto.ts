import { ApiProperty } from '@nestjs/swagger';
import { TimelineKinds, type TimelineKind } from './domain/entries';

/** The OpenAPI shape of a timeline (timeline.service.ts `Timeline`). */
export class TimelineEntryDto {
  @ApiProperty({ format: 'date-time', example: '2026-01-15T13:40:00.000Z', description: 'When it happened' })
  at!: string;

  @ApiProperty({ enum: TimelineKinds, example: 'touch', description: 'What kind of thing happened' })
  kind!: TimelineKind;

  @ApiProperty({
    example: 'email 2 deferred 21:40 → 08:00 (quiet hours, Europe/Berlin)',
    description: 'What happened and why, in words',
  })
  text!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { touchId: 't-2', channel: 'email', sequence: 2 },
    description: 'The facts behind the text: ids, reason codes, amounts in minor units',
  })
  detail!: Record<string, unknown>;
}

export class TimelineDto {
  @ApiProperty({ example: 'store-1' })
  storeId!: string;

  @ApiProperty({ example: 'cart-42' })
  cartId!: string;

  @ApiProperty({
    type: [TimelineEntryDto],
    description: 'In time order; entries of the same instant in causal order (the abandonment before its decision, …)',
  })
  entries!: TimelineEntryDto[];
}
