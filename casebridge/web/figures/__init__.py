"""The figures pages: the dashboard, an indicator and the records behind it, the CSV and the
board report. They read analytics and reports, so they live above both."""
