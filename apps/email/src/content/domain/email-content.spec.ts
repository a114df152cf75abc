import { angleCopyFor, BUILT_IN_ANGLES, EmailContent } from './email-content';

describe(angleCopyFor.name, () => {
  const content = EmailContent.builtIn().defaults;

  it('uses the planned angle in every email', () => {
    for (const fallBackToSegment of [true, false]) {
      expect(angleCopyFor(content, { segment: 'cart-abandoner', angle: 'delivery' }, { fallBackToSegment })).toEqual(
        BUILT_IN_ANGLES.delivery,
      );
    }
  });

  it('picks one from the segment only where asked to (the reassurance email)', () => {
    expect(angleCopyFor(content, { segment: 'checkout-payment-error' }, { fallBackToSegment: true })).toEqual(
      BUILT_IN_ANGLES.support,
    );
    expect(angleCopyFor(content, { segment: 'returns-curious' }, { fallBackToSegment: true })).toEqual(
      BUILT_IN_ANGLES.returns,
    );
    expect(angleCopyFor(content, { segment: 'cart-abandoner' }, { fallBackToSegment: true })).toEqual(
      BUILT_IN_ANGLES.reviews,
    );
    expect(angleCopyFor(content, { segment: 'checkout-payment-error' }, { fallBackToSegment: false })).toBeUndefined();
  });
});
