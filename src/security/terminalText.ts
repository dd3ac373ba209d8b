/*
 * Copyright 2026, the plugin-eca-clientcreds contributors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 */

/**
 * Text that came from an org or a server (error messages, component problems, names) is shown in a terminal: escape
 * sequences in it could move the cursor, rewrite earlier lines or change the window title, and a megabyte of it
 * would flood the screen. terminalSafe removes escape sequences and control characters (keeping newlines and tabs)
 * and caps the length.
 */

export const MAX_SHOWN_LENGTH = 4000;

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-character ESC sequences, and C1 CSI (0x9b).
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string, max = MAX_SHOWN_LENGTH): string {
  const clean = text.replace(ESCAPES, '').replace(CONTROLS, '');
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}
