#include "render/detail/canvas.hpp"

#include "render/detail/strings.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

namespace fergana::render::detail {

namespace {

class PngCanvas final : public Canvas {
public:
    PngCanvas(int width_px, int height_px, double scale)
        : m_surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width_px, height_px)),
          m_cr(cairo_create(m_surface.get())) {
        check(cairo_status(m_cr.get()), "PNG surface");
        cairo_scale(m_cr.get(), scale, scale);
    }
    cairo_t* begin(const std::string&) override {
        cairo_save(m_cr.get());
        return m_cr.get();
    }
    void end() override { cairo_restore(m_cr.get()); }
    std::string finish() override {
        check(cairo_status(m_cr.get()), "PNG drawing");
        cairo_surface_flush(m_surface.get());
        std::string out;
        check(cairo_surface_write_to_png_stream(m_surface.get(), &append_bytes, &out),
              "PNG encoding");
        return out;
    }

private:
    SurfacePtr m_surface;
    CairoPtr m_cr;
};

class PdfCanvas final : public Canvas {
public:
    PdfCanvas(double width_pt, double height_pt, const std::string& title)
        : m_bytes(std::make_unique<std::string>()),
          m_surface(cairo_pdf_surface_create_for_stream(&append_bytes, m_bytes.get(), width_pt,
                                                        height_pt)),
          m_cr(cairo_create(m_surface.get())) {
        check(cairo_status(m_cr.get()), "PDF surface");
        cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_CREATOR, "fergana map");
        // Cairo stamps the current time otherwise: a fixed date keeps the same map
        // byte-identical run to run (the real time is in the provenance file).
        cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                       "2000-01-01T00:00:00Z");
    }
    cairo_t* begin(const std::string&) override {
        cairo_save(m_cr.get());
        return m_cr.get();
    }
    void end() override { cairo_restore(m_cr.get()); }
    std::string finish() override {
        check(cairo_status(m_cr.get()), "PDF drawing");
        m_cr.reset();
        cairo_surface_finish(m_surface.get());
        check(cairo_surface_status(m_surface.get()), "PDF writing");
        m_surface.reset();
        return std::move(*m_bytes);
    }

private:
    std::unique_ptr<std::string> m_bytes;  // before the surface: it writes here until finished
    SurfacePtr m_surface;
    CairoPtr m_cr;
};

class SvgCanvas final : public Canvas {
public:
    SvgCanvas(double width_pt, double height_pt, std::string title)
        : m_width(width_pt), m_height(height_pt), m_title(std::move(title)) {}

    cairo_t* begin(const std::string& layer) override {
        m_layer = layer;
        m_current = std::make_unique<std::string>();
        m_surface.reset(
            cairo_svg_surface_create_for_stream(&append_bytes, m_current.get(), m_width, m_height));
        cairo_svg_surface_restrict_to_version(m_surface.get(), CAIRO_SVG_VERSION_1_1);
        m_cr.reset(cairo_create(m_surface.get()));
        check(cairo_status(m_cr.get()), "SVG surface");
        return m_cr.get();
    }

    void end() override {
        check(cairo_status(m_cr.get()), "SVG drawing");
        m_cr.reset();
        cairo_surface_finish(m_surface.get());
        check(cairo_surface_status(m_surface.get()), "SVG writing");
        m_surface.reset();
        std::string doc = std::move(*m_current);
        const std::size_t open = doc.find("<svg");
        const std::size_t open_end = doc.find('>', open);
        const std::size_t close = doc.rfind("</svg>");
        if (open == std::string::npos || open_end == std::string::npos ||
            close == std::string::npos) {
            throw Error("cannot draw the map: Cairo wrote an unexpected SVG document");
        }
        if (m_header.empty())
            m_header = doc.substr(0, open_end + 1);
        std::string body = doc.substr(open_end + 1, close - open_end - 1);
        // Each layer's document numbers its ids from 1: prefix them with the layer's name.
        replace_all(body, "id=\"", "id=\"" + m_layer + "-");
        replace_all(body, "url(#", "url(#" + m_layer + "-");
        replace_all(body, "xlink:href=\"#", "xlink:href=\"#" + m_layer + "-");
        m_groups += "<g id=\"" + m_layer + "\">" + body + "</g>\n";
    }

    std::string finish() override {
        return m_header + "\n<title>" + xml_escape(m_title) + "</title>\n" + m_groups + "</svg>\n";
    }

private:
    double m_width;
    double m_height;
    std::string m_title;
    std::string m_layer;
    std::unique_ptr<std::string> m_current;
    SurfacePtr m_surface;
    CairoPtr m_cr;
    std::string m_header;
    std::string m_groups;
};

}  // namespace

std::unique_ptr<Canvas> make_png_canvas(int width_px, int height_px, double pixels_per_point) {
    return std::make_unique<PngCanvas>(width_px, height_px, pixels_per_point);
}

std::unique_ptr<Canvas> make_pdf_canvas(double width_pt, double height_pt,
                                        const std::string& title) {
    return std::make_unique<PdfCanvas>(width_pt, height_pt, title);
}

std::unique_ptr<Canvas> make_svg_canvas(double width_pt, double height_pt,
                                        const std::string& title) {
    return std::make_unique<SvgCanvas>(width_pt, height_pt, title);
}

}  // namespace fergana::render::detail
