"""Interface language: Chinese (zh_CN) by default through Qt's translator, English as written in the source."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from resources import resource_path

__all__ = ["install_language", "LANGUAGES"]

LANGUAGES = {"zh_CN": "中文", "en": "English"}
_installed: list[QTranslator] = []


def install_language(language: str = "zh_CN") -> bool:
    """Load the translation for ``language`` into the running application (replacing a previous one).

    Returns:
        True when a translation is active (English needs none).

    Raises:
        FileNotFoundError: The translation file is missing from the installation.
    """
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.English))
        return False
    path = resource_path("translations") / f"tingji_{language}.qm"
    translator = QTranslator(app)
    if not path.is_file() or not translator.load(str(path)):
        raise FileNotFoundError(f"the {language} translation is missing or damaged: {path}; reinstall TingJi")
    app.installTranslator(translator)
    _installed.append(translator)
    QLocale.setDefault(QLocale(language))
    return True
