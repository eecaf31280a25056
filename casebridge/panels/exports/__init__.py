"""Agenda and action list exports (CSV and PDF) for a meeting.

Both carry a sensitivity banner, hold only what the brief for the panel needs (reference, subject
name, date of birth, referring agency, reason, actions) and never an address.
"""
