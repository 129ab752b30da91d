// Tiny stand-ins for recordings: the right content type and magic bytes, a few dozen bytes long. Enough for code
// that streams, stores or sniffs a download; not playable media.

function bytes(...parts: (string | number[])[]): ArrayBuffer {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "string") for (const char of part) out.push(char.charCodeAt(0));
    else out.push(...part);
  }
  return new Uint8Array(out).buffer;
}

export const standIns = {
  /** `fLaC` and a STREAMINFO block header. */
  flac: () => bytes("fLaC", [0x80, 0x00, 0x00, 0x22], new Array(34).fill(0)),
  /** An ID3v2 tag header and one MPEG frame header. */
  mp3: () => bytes("ID3", [0x04, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64], new Array(24).fill(0)),
  /** An `ftyp` box naming the `isom` brand. */
  mp4: () => bytes([0, 0, 0, 0x18], "ftypisom", [0, 0, 0x02, 0], "isomiso2"),
};
