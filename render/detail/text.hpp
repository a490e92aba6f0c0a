#pragma once
// Text for the renderer: Pango layouts at 72 "dpi", so a font size in points is a size in
// page units, with hinted metrics off so text measures the same on every surface. Fonts
// come through fontconfig. Internal to render/.

#include "render/detail/cairo.hpp"

#include <optional>
#include <string>

namespace fergana::render::detail {

struct Font {
    double size = 8.0;
    bool bold = false;
    bool italic = false;
    double spacing = 0.0;  // extra space between letters, points
};

struct TextSize {
    double w = 0.0;
    double h = 0.0;
};

class Text {
public:
    explicit Text(std::string family);

    /// The size of the text box; `wrap` > 0 wraps lines at that width.
    [[nodiscard]] TextSize measure(const std::string& text, const Font& font,
                                   double wrap = 0.0) const;
    /// Draws with the top-left corner of the text box at (x, y), over a halo when given.
    void draw(cairo_t* cr, const std::string& text, const Font& font, double x, double y,
              Rgba color, std::optional<Rgba> halo = std::nullopt, double halo_width = 0.0,
              double wrap = 0.0) const;

private:
    std::string m_family;
    SurfacePtr m_surface;
    CairoPtr m_scratch;

    [[nodiscard]] LayoutPtr layout(cairo_t* cr, const std::string& text, const Font& font,
                                   double wrap) const;
};

}  // namespace fergana::render::detail
