import { PUSH_ENDPOINT_MAX_LENGTH, pushEndpointProblem } from './push-endpoint';

describe(pushEndpointProblem.name, () => {
  const sut = pushEndpointProblem;

  it("accepts the big push services' endpoints", () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABf',
      'https://web.push.apple.com/QGuQyavXutnMPQ',
      'https://wns2-by3p.notify.windows.com/w/?token=BQYAAA',
      'https://fcm.googleapis.com:443/fcm/send/abc',
      'https://FCM.GoogleAPIs.com./fcm/send/abc',
    ])
      expect([endpoint, sut(endpoint)]).toEqual([endpoint, undefined]);
  });

  it.each([
    ['http://fcm.googleapis.com/fcm/send/a', 'not_https'],
    ['wss://fcm.googleapis.com/a', 'not_https'],
    ['not a url', 'not_a_url'],
    ['https://user:pw@fcm.googleapis.com/a', 'userinfo'],
    ['https://user@fcm.googleapis.com/a', 'userinfo'],
    ['https://fcm.googleapis.com:8443/a', 'port_not_443'],
    ['https://push.example.com:22/a', 'port_not_443'],
    ['https://push.example.com:0/a', 'port_not_443'],
  ])('refuses %s (%s)', (endpoint, reason) => {
    expect(sut(endpoint)).toBe(reason);
  });

  it.each([
    'https://127.0.0.1/a',
    'https://10.0.0.8/a',
    'https://192.168.1.1/a',
    'https://8.8.8.8/a',
    'https://2130706433/a', // 127.0.0.1 in decimal
    'https://0x7f.1/a', // 127.0.0.1 in hex, short form
    'https://0177.0.0.1/a', // octal
    'https://0x7f000001/a',
    'https://127.1/a',
    'https://[::1]/a',
    'https://[::ffff:127.0.0.1]/a',
    'https://[fe80::1]/a',
    'https://[2001:4860:4860::8888]/a',
  ])('refuses the IP literal %s', (endpoint) => {
    expect(sut(endpoint)).toBe('ip_literal');
  });

  it.each([
    ['https://localhost/a', 'internal_host'],
    ['https://metadata/a', 'single_label_host'],
    ['https://push.localhost/a', 'internal_host'],
    ['https://LOCALHOST./a', 'internal_host'],
    ['https://printer.local/a', 'internal_host'],
    ['https://metadata.google.internal/a', 'internal_host'],
    ['https://db.corp/a', 'internal_host'],
    ['https://router.home.arpa/a', 'internal_host'],
    ['https://1.0.0.127.in-addr.arpa/a', 'internal_host'],
    ['https://push.test/a', 'internal_host'],
  ])('refuses the internal name %s (%s)', (endpoint, reason) => {
    expect(sut(endpoint)).toBe(reason);
  });

  it('bounds the length', () => {
    const base = 'https://fcm.googleapis.com/fcm/send/';
    expect(sut(base + 'a'.repeat(PUSH_ENDPOINT_MAX_LENGTH - base.length))).toBeUndefined();
    expect(sut(base + 'a'.repeat(PUSH_ENDPOINT_MAX_LENGTH - base.length + 1))).toBe('too_long');
  });

  it('keeps to the allowed push service hosts when given: a plain entry with its subdomains, *. only subdomains', () => {
    const allowedHosts = ['fcm.googleapis.com', '*.notify.windows.com', ' web.push.apple.com '];
    expect(sut('https://fcm.googleapis.com/fcm/send/a', { allowedHosts })).toBeUndefined();
    expect(sut('https://eu.fcm.googleapis.com/a', { allowedHosts })).toBeUndefined();
    expect(sut('https://wns2-by3p.notify.windows.com/w/', { allowedHosts })).toBeUndefined();
    expect(sut('https://web.push.apple.com/Q', { allowedHosts })).toBeUndefined();
    expect(sut('https://notify.windows.com/w/', { allowedHosts })).toBe('host_not_allowed');
    expect(sut('https://evilfcm.googleapis.com/a', { allowedHosts })).toBe('host_not_allowed');
    expect(sut('https://fcm.googleapis.com.evil.example/a', { allowedHosts })).toBe('host_not_allowed');
    expect(sut('https://push.example.com/a', { allowedHosts })).toBe('host_not_allowed');
    // An empty list is no list; the other checks still come first.
    expect(sut('https://push.example.com/a', { allowedHosts: ['', ' '] })).toBeUndefined();
    expect(sut('https://127.0.0.1/a', { allowedHosts: ['127.0.0.1'] })).toBe('ip_literal');
  });
});
