# The day, the month's name and the year as Django's Arabic date has them, then a 24-hour time;
# the short forms with the right-to-left marks of Django's own short date.
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
