"""Outputs beyond diagnostics: the ownership report and the iCalendar schedule."""
