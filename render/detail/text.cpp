#include "render/detail/text.hpp"

namespace fergana::render::detail {

Text::Text(std::string family)
    : m_family(std::move(family)),
      m_surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4)),
      m_scratch(cairo_create(m_surface.get())) {
    check(cairo_status(m_scratch.get()), "text context");
}

TextSize Text::measure(const std::string& text, const Font& font, double wrap) const {
    const LayoutPtr l = layout(m_scratch.get(), text, font, wrap);
    int w = 0;
    int h = 0;
    pango_layout_get_size(l.get(), &w, &h);
    return {w / static_cast<double>(PANGO_SCALE), h / static_cast<double>(PANGO_SCALE)};
}

void Text::draw(cairo_t* cr, const std::string& text, const Font& font, double x, double y,
                Rgba color, std::optional<Rgba> halo, double halo_width, double wrap) const {
    const LayoutPtr l = layout(cr, text, font, wrap);
    if (halo && halo_width > 0.0) {
        cairo_new_path(cr);
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, l.get());
        set_color(cr, *halo);
        cairo_set_dash(cr, nullptr, 0, 0.0);
        cairo_set_line_width(cr, 2.0 * halo_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    set_color(cr, color);
    pango_cairo_show_layout(cr, l.get());
    cairo_new_path(cr);
}

LayoutPtr Text::layout(cairo_t* cr, const std::string& text, const Font& font, double wrap) const {
    LayoutPtr l(pango_cairo_create_layout(cr));
    PangoContext* context = pango_layout_get_context(l.get());
    pango_cairo_context_set_resolution(context, 72.0);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
    pango_cairo_context_set_font_options(context, options);
    cairo_font_options_destroy(options);
    pango_layout_context_changed(l.get());

    PangoFontDescription* d = pango_font_description_new();
    pango_font_description_set_family(d, m_family.c_str());
    pango_font_description_set_absolute_size(d, font.size * PANGO_SCALE);
    pango_font_description_set_weight(d, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(d, font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l.get(), d);
    pango_font_description_free(d);
    if (font.spacing > 0.0) {
        PangoAttrList* attrs = pango_attr_list_new();
        pango_attr_list_insert(
            attrs, pango_attr_letter_spacing_new(static_cast<int>(font.spacing * PANGO_SCALE)));
        pango_layout_set_attributes(l.get(), attrs);
        pango_attr_list_unref(attrs);
    }
    if (wrap > 0.0) {
        pango_layout_set_width(l.get(), static_cast<int>(wrap * PANGO_SCALE));
        pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
}

}  // namespace fergana::render::detail
