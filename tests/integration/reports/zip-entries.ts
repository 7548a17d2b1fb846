/**
 * The entries of a zip file (an XLSX) with the DOS date and time of each, read from the central
 * directory and checked against each entry's local header: enough to prove that a workbook
 * carries no trace of the instant it was written.
 */

export interface ZipEntry {
  name: string;
  /** `YYYY-MM-DDTHH:mm:ss`, as stored (2-second resolution). */
  centralDate: string;
  localDate: string;
}

function dosDate(date: number, time: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${1980 + (date >> 9)}-${pad((date >> 5) & 15)}-${pad(date & 31)}`;
  return `${day}T${pad(time >> 11)}:${pad((time >> 5) & 63)}:${pad((time & 31) * 2)}`;
}

export function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory header at ${offset}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header at ${local}`);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      centralDate: dosDate(zip.readUInt16LE(offset + 14), zip.readUInt16LE(offset + 12)),
      localDate: dosDate(zip.readUInt16LE(local + 12), zip.readUInt16LE(local + 10)),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
