"""Referral mutations: one module per mutation."""
