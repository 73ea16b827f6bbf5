"""An English short date and time that shows seconds (FORMAT_MODULE_PATH for a test)."""

SHORT_DATETIME_FORMAT = "Y-m-d H:i:s"
