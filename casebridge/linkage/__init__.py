"""Identity resolution: is this imported or newly recorded person someone we already hold?"""
