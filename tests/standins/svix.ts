/**
 * Signs webhook payloads the way Svix (Resend's webhook sender) does, for tests: the
 * signature is base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>")) sent as "v1,<sig>".
 * While a secret is being rotated, Svix sends one signature per secret, separated by spaces
 * ("v1,<old> v1,<new>"); `otherSecrets` puts such signatures before the one by `secret`.
 */

export const TEST_WEBHOOK_SECRET = "whsec_" + btoa("beacon-test-webhook-secret-32byte");

export async function svixHeaders(
  payload: string,
  options: { id?: string; secret?: string; timestamp?: number; otherSecrets?: string[] } = {},
) {
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = String(Math.floor((options.timestamp ?? Date.now()) / 1000));
  const sign = async (whsec: string) => {
    const secret = whsec.replace(/^whsec_/, "");
    const keyBytes = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const mac = await crypto.subtle.sign(
      "HMAC",
      key,
      new TextEncoder().encode(`${id}.${timestamp}.${payload}`),
    );
    return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
  };
  const secrets = [...(options.otherSecrets ?? []), options.secret ?? TEST_WEBHOOK_SECRET];
  return {
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": (await Promise.all(secrets.map(sign))).join(" "),
    "content-type": "application/json",
  };
}
