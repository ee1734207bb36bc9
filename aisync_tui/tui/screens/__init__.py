"""The app's screens and modals, one small module each."""
