/// The four shipped themes, compiled in so the binary works with no `themes/` directory.
/// Generated from `themes/*.toml`; `ThemeTests` checks they stay identical.
enum BuiltinThemes {
    static let all: [String: String] = [
        "dark": #"""
        # ghostchat dark theme: light text on the terminal's own (dark) background.
        name = "dark"

        [styles]
        normal          = { fg = "#d0d0d0", bg = "default" }
        header          = { fg = "#e4e4e4", bg = "#303a4a", bold = true }
        header_accent   = { fg = "#9ec5fe", bg = "#303a4a" }
        user_label      = { fg = "#5fafff", bold = true }
        user_text       = { fg = "#e4e4e4" }
        assistant_label = { fg = "#87d787", bold = true }
        assistant_text  = { fg = "#d0d0d0" }
        system_note     = { fg = "#d7af5f", italic = true }
        notice          = { fg = "#8a8a8a" }
        error           = { fg = "#ff5f5f", bold = true }
        evicted         = { fg = "#585858" }
        interrupted     = { fg = "#d7875f", italic = true }
        input           = { fg = "#ffffff" }
        input_prompt    = { fg = "#5fafff", bold = true }
        hint            = { fg = "#6c6c6c" }
        status          = { fg = "#c6c6c6", bg = "#262626" }
        status_accent   = { fg = "#ffffff", bg = "#262626", bold = true }
        bar_system      = { fg = "#d7af5f", bg = "#262626" }
        bar_live        = { fg = "#5fafff", bg = "#262626" }
        bar_free        = { fg = "#4e4e4e", bg = "#262626" }
        warning         = { fg = "#ffaf00", bg = "#262626", bold = true }
        overlay         = { fg = "#e4e4e4", bg = "#1c2430" }
        overlay_border  = { fg = "#5fafff", bg = "#1c2430" }
        overlay_title   = { fg = "#ffffff", bg = "#1c2430", bold = true }
        selection       = { reverse = true }
        md_heading      = { fg = "#87d7ff", bold = true }
        md_strong       = { fg = "#ffffff", bold = true }
        md_emphasis     = { fg = "#e4e4e4", italic = true }
        md_code         = { fg = "#ffd787", bg = "#303030" }
        md_code_block   = { fg = "#d7d7af", bg = "#1c1c1c" }
        md_quote        = { fg = "#a8a8a8", italic = true }
        md_marker       = { fg = "#6c6c6c" }
        """#,
        "light": #"""
        # ghostchat light theme: dark text on a light background (sets the background itself).
        name = "light"

        [styles]
        normal          = { fg = "#262626", bg = "#fafafa" }
        header          = { fg = "#ffffff", bg = "#005f87", bold = true }
        header_accent   = { fg = "#d7eaff", bg = "#005f87" }
        user_label      = { fg = "#005fd7", bold = true }
        user_text       = { fg = "#1c1c1c" }
        assistant_label = { fg = "#008700", bold = true }
        assistant_text  = { fg = "#303030" }
        system_note     = { fg = "#875f00", italic = true }
        notice          = { fg = "#6c6c6c" }
        error           = { fg = "#d70000", bold = true }
        evicted         = { fg = "#b2b2b2" }
        interrupted     = { fg = "#af5f00", italic = true }
        input           = { fg = "#000000" }
        input_prompt    = { fg = "#005fd7", bold = true }
        hint            = { fg = "#9e9e9e" }
        status          = { fg = "#303030", bg = "#dadada" }
        status_accent   = { fg = "#000000", bg = "#dadada", bold = true }
        bar_system      = { fg = "#af8700", bg = "#dadada" }
        bar_live        = { fg = "#005fd7", bg = "#dadada" }
        bar_free        = { fg = "#a8a8a8", bg = "#dadada" }
        warning         = { fg = "#d75f00", bg = "#dadada", bold = true }
        overlay         = { fg = "#262626", bg = "#eeeeee" }
        overlay_border  = { fg = "#005f87", bg = "#eeeeee" }
        overlay_title   = { fg = "#000000", bg = "#eeeeee", bold = true }
        selection       = { reverse = true }
        md_heading      = { fg = "#005f87", bold = true }
        md_strong       = { fg = "#000000", bold = true }
        md_emphasis     = { fg = "#1c1c1c", italic = true }
        md_code         = { fg = "#875f00", bg = "#eeeeee" }
        md_code_block   = { fg = "#303030", bg = "#eeeeee" }
        md_quote        = { fg = "#585858", italic = true }
        md_marker       = { fg = "#8a8a8a" }
        """#,
        "high-contrast": #"""
        # ghostchat high-contrast theme: pure black and white plus the eight basic colours, so it
        # looks the same on every terminal, and bold/underline carry meaning too.
        name = "high-contrast"

        [styles]
        normal          = { fg = "bright-white", bg = "black" }
        header          = { fg = "black", bg = "bright-white", bold = true }
        header_accent   = { fg = "black", bg = "bright-white" }
        user_label      = { fg = "bright-cyan", bold = true, underline = true }
        user_text       = { fg = "bright-white" }
        assistant_label = { fg = "bright-yellow", bold = true, underline = true }
        assistant_text  = { fg = "bright-white" }
        system_note     = { fg = "bright-magenta", bold = true }
        notice          = { fg = "white" }
        error           = { fg = "bright-white", bg = "red", bold = true }
        evicted         = { fg = "white", dim = true }
        interrupted     = { fg = "bright-yellow", bold = true }
        input           = { fg = "bright-white" }
        input_prompt    = { fg = "bright-cyan", bold = true }
        hint            = { fg = "white" }
        status          = { fg = "black", bg = "bright-white" }
        status_accent   = { fg = "black", bg = "bright-white", bold = true }
        bar_system      = { fg = "magenta", bg = "bright-white" }
        bar_live        = { fg = "blue", bg = "bright-white" }
        bar_free        = { fg = "black", bg = "bright-white" }
        warning         = { fg = "bright-white", bg = "red", bold = true }
        overlay         = { fg = "bright-white", bg = "black" }
        overlay_border  = { fg = "bright-yellow", bg = "black", bold = true }
        overlay_title   = { fg = "bright-yellow", bg = "black", bold = true }
        selection       = { reverse = true }
        md_heading      = { fg = "bright-yellow", bold = true, underline = true }
        md_strong       = { fg = "bright-white", bold = true }
        md_emphasis     = { fg = "bright-white", italic = true }
        md_code         = { fg = "bright-green" }
        md_code_block   = { fg = "bright-green", bg = "black" }
        md_quote        = { fg = "bright-cyan", italic = true }
        md_marker       = { fg = "white" }
        """#,
        "gruvbox": #"""
        # ghostchat gruvbox (dark) theme, after Pavel Pertsev's palette.
        name = "gruvbox"

        [styles]
        normal          = { fg = "#ebdbb2", bg = "#282828" }
        header          = { fg = "#fbf1c7", bg = "#504945", bold = true }
        header_accent   = { fg = "#fabd2f", bg = "#504945" }
        user_label      = { fg = "#83a598", bold = true }
        user_text       = { fg = "#ebdbb2" }
        assistant_label = { fg = "#b8bb26", bold = true }
        assistant_text  = { fg = "#d5c4a1" }
        system_note     = { fg = "#fe8019", italic = true }
        notice          = { fg = "#a89984" }
        error           = { fg = "#fb4934", bold = true }
        evicted         = { fg = "#665c54" }
        interrupted     = { fg = "#d65d0e", italic = true }
        input           = { fg = "#fbf1c7" }
        input_prompt    = { fg = "#8ec07c", bold = true }
        hint            = { fg = "#7c6f64" }
        status          = { fg = "#d5c4a1", bg = "#3c3836" }
        status_accent   = { fg = "#fbf1c7", bg = "#3c3836", bold = true }
        bar_system      = { fg = "#d79921", bg = "#3c3836" }
        bar_live        = { fg = "#458588", bg = "#3c3836" }
        bar_free        = { fg = "#665c54", bg = "#3c3836" }
        warning         = { fg = "#fabd2f", bg = "#3c3836", bold = true }
        overlay         = { fg = "#ebdbb2", bg = "#32302f" }
        overlay_border  = { fg = "#d79921", bg = "#32302f" }
        overlay_title   = { fg = "#fbf1c7", bg = "#32302f", bold = true }
        selection       = { reverse = true }
        md_heading      = { fg = "#fabd2f", bold = true }
        md_strong       = { fg = "#fbf1c7", bold = true }
        md_emphasis     = { fg = "#ebdbb2", italic = true }
        md_code         = { fg = "#8ec07c", bg = "#3c3836" }
        md_code_block   = { fg = "#d5c4a1", bg = "#1d2021" }
        md_quote        = { fg = "#a89984", italic = true }
        md_marker       = { fg = "#7c6f64" }
        """#,
    ]
}
