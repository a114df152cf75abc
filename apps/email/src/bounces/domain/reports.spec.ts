import { bounceVerdict, parseFieldBlocks, readReport, reportNames, touchIdInReturnedHeaders } from './reports';

const dsn = [
  'Reporting-MTA: dns; mx.example.net',
  'Arrival-Date: Wed, 2 Dec 2026 10:00:00 +0000',
  '',
  'Final-Recipient: rfc822; Ann@Example.com',
  'Original-Recipient: rfc822;ann@example.com',
  'Action: failed',
  'Status: 5.1.1 (bad destination mailbox)',
  'Diagnostic-Code: smtp; 550 5.1.1 <ann@example.com>:',
  '  Recipient address rejected: User unknown',
  '',
].join('\r\n');

describe(parseFieldBlocks.name, () => {
  it('reads per-message and per-recipient blocks, unfolding continued lines', () => {
    const [message, recipient] = parseFieldBlocks(dsn);
    expect(message).toMatchObject({ 'reporting-mta': 'dns; mx.example.net' });
    expect(recipient).toMatchObject({
      'final-recipient': 'rfc822; Ann@Example.com',
      action: 'failed',
      'diagnostic-code': 'smtp; 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown',
    });
  });
});

describe(readReport.name, () => {
  it('reads a delivery status notification, one entry per recipient', () => {
    expect(readReport('delivery-status', [{ contentType: 'message/delivery-status', content: dsn }])).toEqual({
      kind: 'delivery_status',
      recipients: [{ recipient: 'ann@example.com', action: 'failed', status: '5.1.1' }],
    });
  });

  it('reads an abuse report with its original recipient', () => {
    const arf = 'Feedback-Type: abuse\r\nUser-Agent: FBL/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: <Ann@example.com>\r\n';
    expect(readReport('feedback-report', [{ contentType: 'message/feedback-report', content: arf }])).toEqual({
      kind: 'feedback',
      feedbackType: 'abuse',
      recipient: 'ann@example.com',
    });
  });

  it('finds no report in a message without a machine-readable part, or of another report type', () => {
    expect(readReport(undefined, [{ contentType: 'text/plain', content: 'Your mail bounced.' }])).toBeUndefined();
    expect(readReport('disposition-notification', [{ contentType: 'message/delivery-status', content: dsn }])).toBe(
      undefined,
    );
    expect(readReport('delivery-status', [{ contentType: 'message/delivery-status', content: 'garbage' }])).toBe(
      undefined,
    );
  });
});

describe(bounceVerdict.name, () => {
  const failed = (status: string) => ({ recipient: 'ann@example.com', action: 'failed', status });

  it('calls a failure for a dead address hard', () => {
    expect(bounceVerdict(failed('5.1.1'))).toEqual({ kind: 'hard', status: '5.1.1' });
    expect(bounceVerdict(failed('5.1.10'))).toEqual({ kind: 'hard', status: '5.1.10' });
  });

  it('calls another permanent failure permanent: the address stays', () => {
    expect(bounceVerdict(failed('5.7.1'))).toEqual({ kind: 'permanent', status: '5.7.1' });
    expect(bounceVerdict(failed('5.2.2'))).toEqual({ kind: 'permanent', status: '5.2.2' });
  });

  it('ignores delays, deliveries and temporary failures', () => {
    expect(bounceVerdict({ ...failed('4.4.7'), action: 'delayed' })).toEqual({ kind: 'none' });
    expect(bounceVerdict(failed('4.2.2'))).toEqual({ kind: 'none' });
    expect(bounceVerdict({ ...failed('2.0.0'), action: 'delivered' })).toEqual({ kind: 'none' });
  });
});

describe(touchIdInReturnedHeaders.name, () => {
  it('finds our touch header among the returned headers', () => {
    expect(touchIdInReturnedHeaders('Subject: hi\r\nx-reclaim-touch-id: touch-42_a\r\nTo: a@b.c\r\n')).toBe(
      'touch-42_a',
    );
    expect(touchIdInReturnedHeaders('Subject: X-Reclaim-Touch-Id: nope\r\n')).toBeUndefined();
  });
});

describe(reportNames.name, () => {
  it('matches the address a report speaks of, in any case', () => {
    const dsnReport = {
      kind: 'delivery_status' as const,
      recipients: [{ recipient: 'ann@example.com', action: 'failed', status: '5.1.1' }],
    };
    expect(reportNames(dsnReport, 'Ann@Example.com')).toBe(true);
    expect(reportNames(dsnReport, 'bob@example.com')).toBe(false);
    expect(
      reportNames({ kind: 'feedback', feedbackType: 'abuse', recipient: 'bob@example.com' }, 'bob@example.com'),
    ).toBe(true);
    expect(reportNames({ kind: 'feedback', feedbackType: 'abuse', recipient: undefined }, 'bob@example.com')).toBe(
      false,
    );
  });
});
