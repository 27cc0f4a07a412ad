import QRCode from 'qrcode';
import { groupedKey, otpauthUri } from './totp.ts';

/** What an authenticator app scans or the user types: the otpauth QR code (SVG) and the key written out. */
export async function enrolmentView(issuer: string, email: string, secret: string): Promise<{ qr: string; key: string }> {
  const uri = otpauthUri(issuer.startsWith('https://') ? 'CBS Microdata' : 'CBS Microdata (dev)', email, secret);
  const qr = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { qr, key: groupedKey(secret) };
}
