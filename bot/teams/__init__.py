"""The Microsoft Teams surface: Bot Framework activities in, Adaptive Cards out.

botbuilder-python is archived upstream; every botbuilder import stays inside transport.py and
bot.py, so moving to Microsoft's successor SDK changes only this package.
"""
