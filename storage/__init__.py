"""Persistence (SQLModel): wins, questions, requests and addresses. Arrives with issue 3."""
