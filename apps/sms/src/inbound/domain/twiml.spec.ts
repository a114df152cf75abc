import { helpReply, twiml } from './twiml';

describe(twiml.name, () => {
  it('answers with one message, XML-escaped', () => {
    expect(twiml('A & B <shop>')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>A &amp; B &lt;shop&gt;</Message></Response>',
    );
  });

  it('answers nothing with an empty response', () => {
    expect(twiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('names the store and the opt-out in the help text', () => {
    expect(helpReply('Acme')).toMatch(/^Acme: .*Reply STOP to opt out\.$/);
  });
});
