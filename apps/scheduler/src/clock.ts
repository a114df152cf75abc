/** Injection token for the service's Clock (`systemClock` in production). */
export const CLOCK = Symbol('CLOCK');
