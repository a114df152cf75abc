/** The pages behind the footer link: GET asks to confirm (a prefetcher never unsubscribes), POST confirms. */
export const UNSUBSCRIBE_CONFIRM_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Unsubscribe</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#18181b">
<h1>Unsubscribe</h1>
<p>Stop cart reminder emails from this store to {{email}}?</p>
<form method="post" action="{{action}}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="font-size:16px;padding:12px 24px">Unsubscribe</button>
</form>
</body></html>`;

export const UNSUBSCRIBE_DONE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unsubscribed</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#18181b">
<h1>You are unsubscribed</h1>
<p>You will not receive cart reminder emails from this store any more.</p>
</body></html>`;

export const UNSUBSCRIBE_INVALID_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Link not valid</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#18181b">
<h1>This link is not valid</h1>
<p>The unsubscribe link is incomplete or was changed. Please use the link from the email.</p>
</body></html>`;
