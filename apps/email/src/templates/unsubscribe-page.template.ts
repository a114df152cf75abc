/**
 * The pages behind the footer link: GET asks to confirm (a prefetcher never unsubscribes), POST
 * confirms. One frame for all three: sized to the phone that opened the link, readable in a dark
 * theme (`color-scheme` plus colours for both), and a button at least 44 px high.
 */
const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title}</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;max-width:480px;margin:48px auto;padding:0 16px;color:#18181b;background:#ffffff;overflow-wrap:anywhere}
button{font:inherit;font-weight:bold;min-height:44px;padding:12px 24px;border:0;border-radius:6px;color:#ffffff;background:#18181b;cursor:pointer}
@media (prefers-color-scheme:dark){body{color:#f4f4f5;background:#18181b}button{color:#18181b;background:#f4f4f5}}
</style></head>
<body>
${body}
</body></html>`;

export const UNSUBSCRIBE_CONFIRM_PAGE = page(
  'Unsubscribe',
  `<h1>Unsubscribe</h1>
<p>Stop cart reminder emails from this store to {{email}}?</p>
<form method="post" action="{{action}}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
);

export const UNSUBSCRIBE_DONE_PAGE = page(
  'Unsubscribed',
  `<h1>You are unsubscribed</h1>
<p>You will not receive cart reminder emails from this store any more.</p>`,
);

export const UNSUBSCRIBE_INVALID_PAGE = page(
  'Link not valid',
  `<h1>This link is not valid</h1>
<p>The unsubscribe link is incomplete or was changed. Please use the link from the email.</p>`,
);
