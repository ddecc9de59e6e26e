"""Reading free text: word-family patterns (patterns.py) and the analysis of one response (analysis.py):
TextBlob sentiment, theme tags, the concern signal and safeguarding signals. Pure functions over strings
and plain answers, tested without Flask or a database; the word lists come from config.
"""
