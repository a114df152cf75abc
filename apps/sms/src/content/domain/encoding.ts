/**
 * SMS length rules (3GPP TS 23.038 / 23.040). A message that only uses the GSM 03.38 default
 * alphabet is sent as GSM-7: 160 septets in one segment, 153 per segment when concatenated (the
 * UDH takes the rest); characters of the extension table cost two septets (escape + char) and are
 * never split across segments. Anything else forces UCS-2 for the whole message: 70 UTF-16 code
 * units alone, 67 per segment, a surrogate pair (emoji) never split.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export const SEGMENT_LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

/** Septets one character takes in GSM-7, or undefined when GSM-7 cannot carry it. */
export function gsm7Cost(char: string): 1 | 2 | undefined {
  if (basic.has(char)) return 1;
  if (extension.has(char)) return 2;
  return undefined;
}

export function encodingOf(text: string): SmsEncoding {
  for (const char of text) if (gsm7Cost(char) === undefined) return 'UCS-2';
  return 'GSM-7';
}

/** Encoding, length in the encoding's units and the number of segments the text is sent in. */
export function smsLength(text: string): SmsLength {
  const encoding = encodingOf(text);
  // Each code point's cost in units; a code point (a surrogate pair too) is never split across segments.
  const costs = Array.from(text).map((char) => (encoding === 'GSM-7' ? (gsm7Cost(char) ?? 1) : char.length));
  const units = costs.reduce((a, b) => a + b, 0);
  const limits = SEGMENT_LIMITS[encoding];
  if (units <= limits.single) return { encoding, units, segments: units === 0 ? 0 : 1 };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}
