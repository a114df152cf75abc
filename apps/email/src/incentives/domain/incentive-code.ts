import { randomBytes } from 'node:crypto';

/** Letters and digits that cannot be mistaken for each other when read aloud or typed (no 0/O, 1/I/L). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A new unique-enough code such as `RC-7K2Q-MX9D`: 8 symbols from a 31-letter alphabet (~39 bits),
 * unique in practice and enforced by the database's primary key.
 */
export function newIncentiveCode(prefix: string, random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(8);
  let symbols = '';
  for (const b of bytes) symbols += ALPHABET.charAt(b % ALPHABET.length);
  return `${prefix}-${symbols.slice(0, 4)}-${symbols.slice(4, 8)}`;
}
