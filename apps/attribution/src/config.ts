import { z } from 'zod';
import { baseConfigShape, envPort } from '@reclaim/platform';

export const AttributionConfig = z.object({
  ...baseConfigShape,
  ATTRIBUTION_PORT: envPort(3006),
});
export type AttributionConfig = z.output<typeof AttributionConfig>;
