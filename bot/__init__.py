"""Sanad: answers questions in Arabic about news articles, quoting the articles verbatim."""

from bot.engine import Answer, AnswerItem, Engine, KnowledgeInvalid
from bot.knowledge import Article, Fact, KnowledgeError, Sentence

__all__ = [
    "Answer",
    "AnswerItem",
    "Article",
    "Engine",
    "Fact",
    "KnowledgeError",
    "KnowledgeInvalid",
    "Sentence",
]
