"""The app's widgets: fields, table, plots, status line, landscape, footer."""
