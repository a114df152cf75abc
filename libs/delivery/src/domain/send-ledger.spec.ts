import { canTransition, decideOnClaim, isFinal, LedgerStatuses, sourcesOf } from './send-ledger';

describe(decideOnClaim.name, () => {
  const sut = decideOnClaim;

  it('goes on with a fresh or previously released claim', () => {
    expect(sut('pending')).toEqual({ action: 'proceed' });
  });

  it('never sends again once the touch was sent, skipped, failed or its fate is unknown', () => {
    for (const status of ['sent', 'skipped', 'failed', 'unknown'] as const) {
      expect(sut(status)).toEqual({ action: 'report', status });
    }
  });

  it('marks a touch found in sending as unknown instead of resending it', () => {
    expect(sut('sending')).toEqual({ action: 'mark_unknown' });
  });
});

describe(canTransition.name, () => {
  const sut = canTransition;

  it('allows the send path and its outcomes', () => {
    expect(sut('pending', 'sending')).toBe(true);
    expect(sut('pending', 'skipped')).toBe(true);
    expect(sut('sending', 'sent')).toBe(true);
    expect(sut('sending', 'failed')).toBe(true);
    expect(sut('sending', 'unknown')).toBe(true);
    expect(sut('sending', 'pending')).toBe(true);
  });

  it('never leaves a final status', () => {
    for (const from of LedgerStatuses.filter(isFinal)) {
      for (const to of LedgerStatuses) expect(sut(from, to)).toBe(false);
    }
  });

  it('cannot skip a touch that is already with the provider, nor send without claiming', () => {
    expect(sut('sending', 'skipped')).toBe(false);
    expect(sut('pending', 'sent')).toBe(false);
    expect(sut('pending', 'unknown')).toBe(false);
  });
});

describe(sourcesOf.name, () => {
  it('lists where each status can be reached from', () => {
    expect(sourcesOf('sending')).toEqual(['pending']);
    expect(sourcesOf('unknown')).toEqual(['sending']);
    expect(sourcesOf('failed')).toEqual(['pending', 'sending']);
  });
});
