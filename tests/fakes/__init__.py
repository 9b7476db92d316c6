"""Local emulators of chat platforms (Slack Web API and Socket Mode, Bot Framework connector).

They listen on real sockets (port 0) so the bots talk to them exactly as to the real services.
"""
