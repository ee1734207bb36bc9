"""The app's widgets, one small module each."""
