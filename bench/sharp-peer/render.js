'use strict';
// The example variant set rendered with sharp as its documentation shows it, at sharp's
// default qualities and efforts: thumb (fit inside 256, JPEG), avatar (128x128 cover,
// attention crop, WebP) and hero (320, 640 and 1280 wide, each in AVIF, WebP and JPEG),
// eleven outputs. The source is decoded once, made upright and sRGB and shrunk to the
// largest width an output needs (sharp shrinks a JPEG on load), and every output starts
// from those raw pixels.
//
// Run as a program it renders every JPEG of a directory into another, as
// <photo stem>/<output name>.<ext>, for the SSIM comparison of bench/rendition-ssim.sh:
//   node render.js PHOTO_DIR OUT_DIR
const fs = require('node:fs');
const path = require('node:path');
const sharp = require('sharp');

const HERO_WIDTHS = [1280, 640, 320];
const HERO_FORMATS = ['avif', 'webp', 'jpeg'];
const EXTENSIONS = { avif: 'avif', webp: 'webp', jpeg: 'jpg' };
const CONTENT_TYPES = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };

function outputs() {
  const list = [];
  for (const width of HERO_WIDTHS) {
    for (const format of HERO_FORMATS) {
      list.push({ name: `hero-${width}w`, format, resize: { width, withoutEnlargement: true } });
    }
  }
  list.push({ name: 'thumb', format: 'jpeg', resize: { width: 256, height: 256, fit: 'inside', withoutEnlargement: true } });
  list.push({ name: 'avatar', format: 'webp', resize: { width: 128, height: 128, fit: 'cover', position: 'attention' } });
  return list;
}

const OUTPUTS = outputs();

/**
 * Renders the eleven outputs of one source; returns the source's upright size and, per
 * output, its name, format, extension, content type, size and bytes.
 */
async function render(source) {
  const { data, info } = await sharp(source)
    .autoOrient()
    .resize({ width: Math.max(...HERO_WIDTHS), withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const rendered = [];
  for (const output of OUTPUTS) {
    const encoded = await sharp(data, raw).resize(output.resize).toFormat(output.format)
      .toBuffer({ resolveWithObject: true });
    rendered.push({
      name: output.name, format: output.format, extension: EXTENSIONS[output.format],
      contentType: CONTENT_TYPES[output.format], width: encoded.info.width, height: encoded.info.height,
      bytes: encoded.data,
    });
  }
  return rendered;
}

async function renderDirectory(photos, out) {
  const files = fs.readdirSync(photos).filter((file) => file.toLowerCase().endsWith('.jpg')).sort();
  for (const file of files) {
    const directory = path.join(out, path.parse(file).name);
    fs.mkdirSync(directory, { recursive: true });
    for (const output of await render(fs.readFileSync(path.join(photos, file)))) {
      fs.writeFileSync(path.join(directory, `${output.name}.${output.extension}`), output.bytes);
    }
  }
  console.log(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}): ${files.length} photos rendered to ${out}`);
}

module.exports = { render, OUTPUTS };

if (require.main === module) {
  renderDirectory(process.argv[2], process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
