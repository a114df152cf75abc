import { webhookParamProblems } from './webhook-params';

describe(webhookParamProblems.name, () => {
  it('accepts what the provider sends, line breaks in the message text included', () => {
    const params = new URLSearchParams({ MessageSid: 'SM123', From: '+14155550100', Body: 'Stop\nplease 🙏' });
    expect(webhookParamProblems(params)).toEqual([]);
  });

  it('names every parameter holding U+0000, a or a control character in an id', () => {
    const params = new URLSearchParams();
    params.append('MessageSid', 'SM\u0000x');
    params.append('From', '+1415\t5550100');
    params.append('Body', 'STOP\u0000');
    expect(webhookParamProblems(params)).toEqual([
      { path: 'MessageSid', message: 'must not contain control characters' },
      { path: 'From', message: 'must not contain control characters' },
      { path: 'Body', message: 'must not contain U+0000' },
    ]);
  });
});
