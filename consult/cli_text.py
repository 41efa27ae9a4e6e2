"""The command line's help in the operator's language (CONSULT_LANG, then LANG, French by default).

`flask --app wsgi consult --help` is read before any application context exists, so Flask-Babel cannot
translate it: help texts are marked with `cli_l("...")` (extracted with the other strings) and looked up
in the compiled catalogue of the command line's language when click writes the help, not when the
module is imported. The consult group and its commands use the classes below, which translate their
help, their options' help and click's own words (Usage, Options, default...)."""
from functools import cache

import click
from babel.support import NullTranslations, Translations

from .i18n import command_line_language
from .paths import resource_dir


class CliText(str):
    """A help text as written (English); shown in the command line's language when the help is written."""

    __slots__ = ()


def cli_l(message: str) -> CliText:
    return CliText(message)


# click's own words in the help it writes, marked here so that they are translated with ours.
CLICK_WORDS = (
    cli_l("Usage:"), cli_l("Options"), cli_l("Commands"), cli_l("Positional arguments"),
    cli_l("Show this message and exit."), cli_l("default: {default}"), cli_l("required"), cli_l("env var: {var}"),
    # A heading of the help ("Options", "Commands") followed by its colon.
    cli_l("{heading}:"),
)
# Between click's notes after an option's help: [default: 5; 1<=x<=100].
NOTES_SEPARATOR = cli_l("; ")


@cache
def _catalogue(language: str) -> NullTranslations:
    return Translations.load(str(resource_dir("translations")), [language])


def cli_gettext(message: str | None, language: str | None = None) -> str | None:
    """`message` in the command line's language (or in `language`); itself when it has no translation."""
    if not message:
        return message
    return _catalogue(language or command_line_language()).gettext(str.__str__(message))


def _option_record(param: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """click's line for an option in the help, with its text and click's notes ([default: ...]) translated."""
    if param.hidden:
        return None
    text = cli_gettext(param.help) or ""
    extra = param.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(cli_gettext("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        notes.append(cli_gettext("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        notes.append(extra["range"])
    if "required" in extra:
        notes.append(cli_gettext(extra["required"]))
    if notes:
        joined = cli_gettext(NOTES_SEPARATOR).join(notes)
        text = f"{text}  [{joined}]" if text else f"[{joined}]"
    return param.get_help_spec(ctx), text


class LocalizedFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = f"{cli_gettext('Usage:')} "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        line = cli_gettext("{heading}:").format(heading=cli_gettext(heading))
        self.write(f"{'':>{self.current_indent}}{line}\n")


class LocalizedContext(click.Context):
    formatter_class = LocalizedFormatter


class LocalizedHelp:
    """Writes a command's help, its options' and its commands' summaries in the command line's language."""

    context_class = LocalizedContext

    def _shown(self):
        # A copy carrying the translated texts: click's own formatting then does the rest.
        shown = click.Command.__new__(type(self))
        shown.__dict__.update(self.__dict__)
        shown.help = cli_gettext(self.help)
        shown.short_help = cli_gettext(self.short_help)
        return shown

    def get_short_help_str(self, limit: int = 45) -> str:
        return super(LocalizedHelp, self._shown()).get_short_help_str(limit)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super(LocalizedHelp, self._shown()).format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [record for param in self.get_params(ctx)
                   if isinstance(param, click.Option) and (record := _option_record(param, ctx))]
        if records:
            with formatter.section("Options"):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class LocalizedCommand(LocalizedHelp, click.Command):
    pass
