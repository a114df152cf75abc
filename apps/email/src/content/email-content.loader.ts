import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '@reclaim/core';
import { EmailContent, parseEmailContent } from './domain/email-content';

/** Reads and validates EMAIL_CONTENT_FILE; without a file (undefined or empty), the built-in copy. */
export function loadEmailContent(file: string | undefined): EmailContent {
  if (file === undefined || file === '') return EmailContent.builtIn();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`EMAIL_CONTENT_FILE ${file}: ${errorMessage(error)}`]);
  }
  return parseEmailContent(json, `EMAIL_CONTENT_FILE ${file}`);
}
