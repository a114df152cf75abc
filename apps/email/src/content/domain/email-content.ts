import { z } from 'zod';
import { RecoveryAngles, type RecoveryAngle } from '@reclaim/contracts';
import { ConfigError } from '@reclaim/core';

/** The copy for one angle: a headline and a short paragraph (plain text; HTML is escaped). */
export interface AngleCopy {
  headline: string;
  body: string;
}

/** Everything a store's emails say that the store may word itself. */
export interface StoreContent {
  angles: Record<RecoveryAngle, AngleCopy>;
}

/** Built-in copy, used for every store the content file does not word differently. */
export const BUILT_IN_ANGLES: Readonly<Record<RecoveryAngle, AngleCopy>> = {
  payment_options: {
    headline: 'More ways to pay',
    body: 'If your payment did not go through, you can pay by card, PayPal or bank transfer — and our team is here if anything gets stuck.',
  },
  shipping_clarity: {
    headline: 'No surprises at checkout',
    body: 'Shipping costs and delivery dates are shown before you pay, so you know exactly what to expect.',
  },
  returns: {
    headline: 'Free, easy returns',
    body: 'Not sure it is right? Returns are free and simple, so you can decide at home.',
  },
  delivery: {
    headline: 'Fast, tracked delivery',
    body: 'Your items ship quickly and you can follow the parcel every step of the way.',
  },
  support: {
    headline: 'We are here to help',
    body: 'Had trouble at checkout? Reply to this email and a real person will help you finish your order.',
  },
  reviews: {
    headline: 'Loved by our customers',
    body: 'Shoppers who bought these items rate them highly. Your cart is still waiting for you.',
  },
};

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const AngleCopySchema = z.strictObject({ headline: text(120), body: text(600) });

/** One section set: `angles` maps angle names to their copy; each angle given replaces that angle's copy whole. */
const ContentSections = z.strictObject({
  angles: z.partialRecord(z.enum(RecoveryAngles), AngleCopySchema).default({}),
});

/** EMAIL_CONTENT_FILE: `defaults` for every store, `stores.<storeId>` for one store. */
export const EmailContentFile = z.strictObject({
  defaults: ContentSections.default({ angles: {} }),
  stores: z.record(z.string().min(1), ContentSections).default({}),
});
export type EmailContentFile = z.input<typeof EmailContentFile>;

/** Resolved content: one complete StoreContent per configured store, and the defaults for every other store. */
export class EmailContent {
  constructor(
    readonly defaults: StoreContent,
    private readonly stores: ReadonlyMap<string, StoreContent> = new Map(),
  ) {}

  static builtIn(): EmailContent {
    return new EmailContent({ angles: { ...BUILT_IN_ANGLES } });
  }

  forStore(storeId: string): StoreContent {
    return this.stores.get(storeId) ?? this.defaults;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const where = path.length === 0 ? '(file)' : path.join('.');
    const allowed = path.at(-1) === 'angles' ? ` (angles: ${RecoveryAngles.join(', ')})` : '';
    return issue.keys.map((k) => `${where === '(file)' ? k : `${where}.${k}`}: unknown key${allowed}`).join('; ');
  }
  return `${path.length === 0 ? '(file)' : path.join('.')}: ${issue.message}`;
}

/**
 * Validates a parsed content file (JSON). Every problem is reported with its path, prefixed by
 * `source` (the file name), in one ConfigError.
 */
export function parseEmailContent(json: unknown, source = 'email content'): EmailContent {
  const result = EmailContentFile.safeParse(json);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${source}: ${describeIssue(issue)}`));
  }
  const defaults: StoreContent = { angles: { ...BUILT_IN_ANGLES, ...result.data.defaults.angles } };
  const stores = new Map(
    Object.entries(result.data.stores).map(([storeId, sections]): [string, StoreContent] => [
      storeId,
      { angles: { ...defaults.angles, ...sections.angles } },
    ]),
  );
  return new EmailContent(defaults, stores);
}

/**
 * The angle a message speaks to: the planned one when the touch carries it (every email of the
 * sequence); without one, only the reassurance email picks one from the segment name (a checkout
 * problem gets support, and so on). Other emails then carry no angle.
 */
export function angleCopyFor(
  content: StoreContent,
  touch: { segment: string; angle?: RecoveryAngle | undefined },
  opts: { fallBackToSegment: boolean },
): AngleCopy | undefined {
  if (touch.angle) return content.angles[touch.angle];
  if (!opts.fallBackToSegment) return undefined;
  const s = touch.segment.toLowerCase();
  if (/error|payment|checkout|support/.test(s)) return content.angles.support;
  if (/return/.test(s)) return content.angles.returns;
  if (/deliver|shipping/.test(s)) return content.angles.delivery;
  return content.angles.reviews;
}
