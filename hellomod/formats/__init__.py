"""Date formats Django's own locales leave out for languages members read (FORMAT_MODULE_PATH):
without them a date and time falls back to the American English order ("Nov. 30, 2026, 4:13
p.m."), with its commas, in the middle of an Arabic or Hindi sentence."""
