#pragma once
// Canvases: where the renderer draws its layers. PNG and PDF draw every layer on one
// surface; SVG draws each layer on its own surface and wraps it in a group named after
// the layer (<g id="borders">), its ids prefixed with the layer's name. Internal to render/.

#include "render/detail/cairo.hpp"

#include <memory>
#include <string>

namespace fergana::render::detail {

class Canvas {
public:
    virtual ~Canvas() = default;
    /// A context for the layer, with the page in points; end() when the layer is drawn.
    virtual cairo_t* begin(const std::string& layer) = 0;
    virtual void end() = 0;
    /// The file's bytes. Throws Error when Cairo failed.
    virtual std::string finish() = 0;
};

std::unique_ptr<Canvas> make_png_canvas(int width_px, int height_px, double pixels_per_point);
std::unique_ptr<Canvas> make_pdf_canvas(double width_pt, double height_pt,
                                        const std::string& title);
std::unique_ptr<Canvas> make_svg_canvas(double width_pt, double height_pt,
                                        const std::string& title);

}  // namespace fergana::render::detail
