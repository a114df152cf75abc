import { generateKeyPairSync } from 'node:crypto';
import { generateVAPIDKeys } from 'web-push';
import { checkVapidKeys, parseServiceAccount } from './push-credentials';

describe(checkVapidKeys.name, () => {
  const sut = checkVapidKeys;
  const keys = generateVAPIDKeys();
  const other = generateVAPIDKeys();

  it('accepts none, or a matching pair with a mailto: or https: subject', () => {
    expect(sut('', '', '')).toBeUndefined();
    expect(sut(keys.publicKey, keys.privateKey, 'mailto:ops@shop.example')).toBeUndefined();
    expect(sut(keys.publicKey, keys.privateKey, 'https://shop.example')).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(sut(keys.publicKey, '', '')?.field).toBe('VAPID_PRIVATE_KEY');
    expect(sut('not-a-key', keys.privateKey, 'mailto:a@b.c')?.field).toBe('VAPID_PUBLIC_KEY');
    expect(sut(keys.publicKey, other.privateKey, 'mailto:a@b.c')).toEqual({
      field: 'VAPID_PRIVATE_KEY',
      message: 'is not the private key of VAPID_PUBLIC_KEY',
    });
    expect(sut(keys.publicKey, keys.privateKey, 'ops@shop.example')?.field).toBe('VAPID_SUBJECT');
  });
});

describe(parseServiceAccount.name, () => {
  const sut = parseServiceAccount;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const account = {
    type: 'service_account',
    project_id: 'shop-app',
    private_key_id: 'kid-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'push@shop-app.iam.gserviceaccount.com',
    token_uri: 'https://oauth2.googleapis.com/token',
  };

  it('reads the fields the adapter needs, with an optional token URL override', () => {
    expect(sut(JSON.stringify(account))).toMatchObject({
      projectId: 'shop-app',
      clientEmail: account.client_email,
      privateKeyId: 'kid-1',
      tokenUri: 'https://oauth2.googleapis.com/token',
    });
    expect(sut(JSON.stringify(account), 'https://127.0.0.1:9443/token')).toMatchObject({
      tokenUri: 'https://127.0.0.1:9443/token',
    });
  });

  it('says why a file is unusable, never echoing the key', () => {
    expect(sut('{')).toBe('is not a JSON service-account file');
    expect(sut(JSON.stringify({ ...account, private_key: 'secret-garbage' }))).toBe(
      'private_key is not a PEM private key',
    );
    expect(sut(JSON.stringify({ ...account, client_email: undefined }))).toMatch(/client_email/);
  });
});
