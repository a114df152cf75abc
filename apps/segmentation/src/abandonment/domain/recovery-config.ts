import { z } from 'zod';
import { Channels, CheckoutErrorCodes, EmailTemplateNames, IncentiveKinds, RecoveryAngles } from '@reclaim/contracts';
import { ConfigError, parseDuration } from '@reclaim/core';

const Duration = z
  .string()
  .refine((text) => {
    try {
      return parseDuration(text) >= 0;
    } catch {
      return false;
    }
  }, 'must be a duration such as 30m, 1h, 2d')
  .transform(parseDuration);

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must list at least one value');

/** Conditions on the signals; all given ones must hold (an empty `when` matches every cart). */
export const SignalMatch = z.strictObject({
  stage: nonEmpty(z.enum(['cart', 'checkout', 'payment'])).optional(),
  checkoutError: nonEmpty(z.enum([...CheckoutErrorCodes, 'any', 'none'])).optional(),
  shippingEstimateViewed: z.boolean().optional(),
  discountCodeUsed: z.boolean().optional(),
  device: nonEmpty(z.enum(['desktop', 'mobile', 'tablet', 'app', 'unknown'])).optional(),
  country: nonEmpty(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')).optional(),
  buyer: nonEmpty(z.enum(['first_time', 'returning', 'unknown'])).optional(),
  valueTier: nonEmpty(z.enum(['low', 'mid', 'high', 'unknown'])).optional(),
  /** Every listed channel must be reachable (consent and address). */
  reachable: nonEmpty(z.enum(Channels)).optional(),
});
export type SignalMatch = z.output<typeof SignalMatch>;

export const TouchConfig = z
  .strictObject({
    channel: z.enum(Channels),
    /** After abandonment, business time (RECOVERY_TIME_SCALE applies downstream). */
    offset: Duration,
    template: z.string().min(1),
    /** A fixed angle, `auto` (chosen by the `angles` rules) or none. */
    angle: z.enum([...RecoveryAngles, 'auto']).optional(),
    /** What this touch may carry; the incentive policy still decides per shopper. */
    incentive: z.enum(['none', ...IncentiveKinds, 'rotate']).default('none'),
    /** Leave the touch out when its channel is not reachable (default for sms and push). */
    onlyIfReachable: z.boolean().optional(),
  })
  .superRefine((touch, ctx) => {
    // A plan may only name templates the email service renders for email.
    if (touch.channel === 'email' && !(EmailTemplateNames as ReadonlyArray<string>).includes(touch.template)) {
      ctx.addIssue({
        code: 'custom',
        path: ['template'],
        message: `email template must be one of ${EmailTemplateNames.join(', ')}`,
      });
    }
  });
export type TouchConfig = z.output<typeof TouchConfig>;

export const PlanConfig = z.strictObject({
  touches: z.array(TouchConfig).min(1, 'a plan needs at least one touch'),
});

export const SegmentRule = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case such as checkout-abandoner'),
  when: SignalMatch.default({}),
  plan: z.string().min(1),
});
export type SegmentRule = z.output<typeof SegmentRule>;

export const AngleRule = z.strictObject({
  when: SignalMatch.default({}),
  angle: z.enum(RecoveryAngles),
});
export type AngleRule = z.output<typeof AngleRule>;

export const IncentivePolicy = z.strictObject({
  /** Only a touch that is at least this far into its channel's sequence (3 = email 3) may carry one. */
  fromTouch: z.number().int().min(1).default(3),
  /** Only shoppers with `ordersCount: 0`. */
  firstTimeBuyersOnly: z.boolean().default(true),
  /** None for a shopper (customer id or email) who got one this recently. */
  cooldown: Duration.default(30 * 24 * 3_600_000),
  /** What `rotate` alternates between (deterministically per abandonment). */
  rotation: nonEmpty(z.enum(IncentiveKinds)).default(['percent_10', 'free_shipping']),
});
export type IncentivePolicy = z.output<typeof IncentivePolicy>;

const ValueTiers = z.record(
  z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  z
    .strictObject({ low: z.number().int().min(0), high: z.number().int().min(0) })
    .refine((t) => t.low <= t.high, 'low must not exceed high'),
);

const StoreFields = {
  /** Cart value tiers in minor units per currency. */
  valueTiers: ValueTiers,
  /** Ordered: the first rule whose `when` matches names the segment and its plan. */
  segments: z.array(SegmentRule).min(1),
  /** Ordered: the first matching rule gives the angle of touches with `angle: "auto"`. */
  angles: z.array(AngleRule),
  plans: z.record(z.string().min(1), PlanConfig),
  incentives: IncentivePolicy,
};

export const StoreRecoveryConfig = z.strictObject(StoreFields).superRefine((store, ctx) => {
  checkStore(store, ctx, []);
});
export type StoreRecoveryConfig = z.output<typeof StoreRecoveryConfig>;

/** A store override replaces whole top-level sections of the defaults. */
const StoreOverride = z.strictObject({
  valueTiers: StoreFields.valueTiers.optional(),
  segments: StoreFields.segments.optional(),
  angles: StoreFields.angles.optional(),
  plans: StoreFields.plans.optional(),
  incentives: StoreFields.incentives.optional(),
});

function checkStore(
  store: Partial<Pick<StoreRecoveryConfig, 'segments' | 'plans'>>,
  ctx: z.RefinementCtx,
  at: PropertyKey[],
): void {
  const { segments, plans } = store;
  if (segments && plans) {
    segments.forEach((segment, index) => {
      if (!(segment.plan in plans)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'segments', index, 'plan'],
          message: `unknown plan "${segment.plan}" (plans: ${Object.keys(plans).join(', ')})`,
        });
      }
    });
  }
  const last = segments?.at(-1);
  if (segments && last && Object.keys(last.when).length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'segments', segments.length - 1, 'when'],
      message: 'the last segment must match every cart (an empty "when")',
    });
  }
}

/** The file: defaults for every store, and per-store overrides by store id. */
export const RecoveryConfigFile = z
  .strictObject({
    defaults: z.strictObject(StoreFields).partial().default({}),
    stores: z.record(z.string().min(1), StoreOverride).default({}),
  })
  .superRefine((file, ctx) => {
    const base = { ...builtInDefaults(), ...file.defaults };
    checkStore(base, ctx, ['defaults']);
    for (const [storeId, override] of Object.entries(file.stores)) {
      checkStore({ ...base, ...override }, ctx, ['stores', storeId]);
    }
  });

/** The built-in defaults (apps/segmentation/README.md), as they would be written in a file. */
export const BUILT_IN_DEFAULTS = {
  valueTiers: {
    EUR: { low: 3000, high: 15000 },
    USD: { low: 3000, high: 15000 },
    GBP: { low: 2500, high: 13000 },
  },
  segments: [
    {
      name: 'checkout-payment-error',
      when: { checkoutError: ['payment_declined', 'payment_method_unavailable'] },
      plan: 'checkout',
    },
    { name: 'checkout-abandoner', when: { stage: ['checkout', 'payment'] }, plan: 'checkout' },
    { name: 'cart-abandoner', when: {}, plan: 'cart' },
  ],
  angles: [
    { when: { checkoutError: ['payment_declined', 'payment_method_unavailable'] }, angle: 'payment_options' },
    { when: { checkoutError: ['address_invalid', 'shipping_unavailable', 'other'] }, angle: 'support' },
    { when: { shippingEstimateViewed: true }, angle: 'delivery' },
    { when: { valueTier: ['high'] }, angle: 'returns' },
    { when: { valueTier: ['low'] }, angle: 'shipping_clarity' },
    { when: { buyer: ['first_time'] }, angle: 'returns' },
    { when: {}, angle: 'delivery' },
  ],
  plans: {
    checkout: {
      touches: [
        { channel: 'email', offset: '1h', template: 'reminder', angle: 'auto' },
        { channel: 'sms', offset: '2h', template: 'reminder', angle: 'auto' },
        { channel: 'email', offset: '24h', template: 'reassurance', angle: 'auto' },
        { channel: 'email', offset: '48h', template: 'incentive', incentive: 'rotate' },
      ],
    },
    cart: {
      touches: [
        { channel: 'email', offset: '1h', template: 'reminder' },
        { channel: 'email', offset: '24h', template: 'reassurance', angle: 'auto' },
        { channel: 'email', offset: '72h', template: 'incentive', incentive: 'rotate' },
      ],
    },
  },
  incentives: { fromTouch: 3, firstTimeBuyersOnly: true, cooldown: '30d', rotation: ['percent_10', 'free_shipping'] },
} as const;

let builtIn: StoreRecoveryConfig | undefined;
/** Parsed once, on first use (the file schema's checks need them too). */
function builtInDefaults(): StoreRecoveryConfig {
  builtIn ??= StoreRecoveryConfig.parse(BUILT_IN_DEFAULTS);
  return builtIn;
}

/** Resolved configuration: one complete store configuration per store id, plus the defaults. */
export class RecoveryConfig {
  constructor(
    readonly defaults: StoreRecoveryConfig,
    private readonly stores: ReadonlyMap<string, StoreRecoveryConfig> = new Map(),
  ) {}

  static builtIn(): RecoveryConfig {
    return new RecoveryConfig(builtInDefaults());
  }

  forStore(storeId: string): StoreRecoveryConfig {
    return this.stores.get(storeId) ?? this.defaults;
  }
}

function describePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(file)' : path.map(String).join('.');
}

/**
 * Validates a parsed plan file (JSON) against the schema. Every problem is reported with its
 * path, prefixed by `source` (the file name), in one ConfigError.
 */
export function parseRecoveryConfig(json: unknown, source = 'recovery config'): RecoveryConfig {
  const result = RecoveryConfigFile.safeParse(json);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${source}: ${describePath(i.path)}: ${i.message}`));
  }
  const defaults: StoreRecoveryConfig = { ...builtInDefaults(), ...result.data.defaults };
  const stores = new Map(
    Object.entries(result.data.stores).map(([storeId, override]): [string, StoreRecoveryConfig] => [
      storeId,
      { ...defaults, ...override },
    ]),
  );
  return new RecoveryConfig(defaults, stores);
}
