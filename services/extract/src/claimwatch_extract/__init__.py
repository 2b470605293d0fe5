"""Turns article text into claim events: a pure core plus a Faust app around it."""
