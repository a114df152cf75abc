// mjml 5 ships no type declarations; this is the part of its API tools/email-templates uses.
declare module 'mjml' {
  interface MjmlError {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  }
  interface MjmlOptions {
    validationLevel?: 'strict' | 'soft' | 'skip';
    filePath?: string;
    ignoreIncludes?: boolean;
    includePath?: string | string[];
    keepComments?: boolean;
    fonts?: Record<string, string>;
  }
  export default function mjml2html(
    mjml: string,
    options?: MjmlOptions,
  ): Promise<{ html: string; errors: MjmlError[] }>;
}
