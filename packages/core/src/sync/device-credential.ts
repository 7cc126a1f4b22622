/**
 * The device credential is `<tenantId>.<terminalId>.<secret>`: the tenant and terminal let the
 * server find the terminal under row-level security, the 256-bit secret proves the caller is it.
 * The server stores only a SHA-256 of the secret; revoking the terminal takes effect at once.
 */
export interface DeviceCredential {
  readonly tenantId: string;
  readonly terminalId: string;
  readonly secret: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DEVICE_CREDENTIAL_PATTERN = new RegExp(`^(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

export function formatDeviceCredential(credential: DeviceCredential): string {
  return `${credential.tenantId}.${credential.terminalId}.${credential.secret}`;
}

export function parseDeviceCredential(text: string): DeviceCredential | undefined {
  const match = DEVICE_CREDENTIAL_PATTERN.exec(text);
  if (match === null) return undefined;
  return { tenantId: match[1]!, terminalId: match[2]!, secret: match[3]! };
}
