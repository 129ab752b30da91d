// JSON pointers into a payload. `*` stands for every item of an array (or every other property of an object),
// since a contract describes all of them at once.

export function pointerToken(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function child(path: string, name: string): string {
  return `${path}/${pointerToken(name)}`;
}

export const everyItem = (path: string) => `${path}/*`;
