import Brands
import Foundation
import HTMLParser
import Testing

@Suite struct ParsingTests {
    @Test func stylesheetsFlattenMediaBlocksAndCollectFontFacesAndImports() {
        let sheet = Stylesheet("""
            @charset "utf-8";
            @import url("base.css") screen;
            @import 'theme.css';
            /* a comment with { braces } */
            :root { --brand: #123456; }
            @media (min-width: 40em) { .hero h1 { font-family: "Brand Sans", sans-serif !important; } }
            @font-face { font-family: 'Brand Sans'; src: url(brand.woff2) format("woff2"); }
            @keyframes spin { from { transform: rotate(0) } to { transform: rotate(360deg) } }
            a[href="}"] { color: red; content: "}{"; }
            """)
        #expect(sheet.imports == ["base.css", "theme.css"])
        #expect(sheet.fontFaces.count == 1)
        #expect(sheet.fontFaces.first?["font-family"] == "'Brand Sans'")
        #expect(sheet.rules.map(\.selector) == [":root", ".hero h1", "a[href=\"}\"]"])
        #expect(sheet.rules[1].declarations == [CSSDeclaration(property: "font-family", value: "\"Brand Sans\", sans-serif")])
        #expect(sheet.rules[2].declarations.map(\.property) == ["color", "content"])
    }

    @Test func coloursParseInEveryCSSNotation() {
        #expect(Color(css: "#5b3df5")?.hex == "#5B3DF5")
        #expect(Color(css: "#abc")?.hex == "#AABBCC")
        #expect(Color(css: "rgb(91, 61, 245)")?.hex == "#5B3DF5")
        #expect(Color(css: "rgb(91 61 245 / 50%)")?.alpha == 0.5)
        #expect(Color(css: "hsl(0, 100%, 50%)")?.hex == "#FF0000")
        #expect(Color(css: "white")?.isNeutral == true)
        #expect(Color(css: "not-a-colour") == nil)
        #expect(Color.all(in: "1px solid #e5e7eb, 0 0 0 2px rgba(0,0,0,.1)").map(\.hex) == ["#E5E7EB", "#000000"])
        #expect((Color(css: "#000")!.contrast(with: Color(css: "#fff")!) - 21).magnitude < 0.01)
    }

    @Test func websiteURLsAreNormalized() {
        #expect(WebsiteURL.normalize("HTTPS://Acme.COM/") == "https://acme.com")
        #expect(WebsiteURL.normalize("acme.com/pricing/#plans") == "https://acme.com/pricing")
        #expect(WebsiteURL.normalize("http://acme.com:80") == "http://acme.com")
        #expect(WebsiteURL.normalize("https://acme.com:8443/x?a=1") == "https://acme.com:8443/x?a=1")
        #expect(WebsiteURL.normalize("ftp://acme.com") == nil)
        #expect(WebsiteURL.normalize("javascript:alert(1)") == nil)
        #expect(WebsiteURL.normalize("https://user:pw@acme.com") == nil)
        #expect(WebsiteURL.normalize("") == nil)
    }

    @Test func languageTagsAreNormalized() {
        #expect(SiteIdentity.normalizedTag("EN_us") == "en-US")
        #expect(SiteIdentity.normalizedTag("pt-br") == "pt-BR")
        #expect(SiteIdentity.normalizedTag("zh-hant") == "zh-Hant")
        #expect(SiteIdentity.normalizedTag("english!!") == nil)
    }

    @Test func theHTMLParserRecoversFromBrokenMarkupAndDecodesCharsets() {
        let document = HTMLDocument(html: "<div class='a b'><p>One <b>two</p><img src=x.png alt=\"Logo\"><script>var a = '<p>';</script>")
        #expect(document.root.all("p").first?.text == "One two")
        #expect(document.root.all("img").first?["alt"] == "Logo")
        #expect(document.root.all("div").first?.classNames == ["a", "b"])
        #expect(document.root.all("script").first?.rawText == "var a = '<p>';")
        // A namespace prefix stays part of the element's name (libxml2 alone would drop it).
        #expect(HTMLDocument(html: "<p>a<o:p>b</o:p></p>").root.all("o:p").map(\.text) == ["b"])
        let latin1: [UInt8] = Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>M".utf8) + [0xFC] + Array("nchen</p></body></html>".utf8)
        #expect(HTMLDocument(bytes: latin1).root.all("p").first?.text == "München")
    }
}
