# The day, the month's name and the year as Django's Hindi date has them, then a 24-hour time.
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
